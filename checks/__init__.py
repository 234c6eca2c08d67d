"""Checks on scans: drift between two sources (fkmap diff) and the cross-service FK baseline (fkmap check)."""
