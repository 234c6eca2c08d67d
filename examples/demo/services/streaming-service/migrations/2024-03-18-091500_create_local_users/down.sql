DROP TABLE local_users;
