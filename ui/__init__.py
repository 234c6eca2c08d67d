"""The Dash dashboard: layout builders, view logic and callback wiring.

Everything here is plain functions over the neutral model and the NetworkX graph;
:mod:`ui.callbacks` is the only module that talks to Dash's callback machinery.
"""
