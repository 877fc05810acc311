-- docker-compose: the shared pool database beside the registry's (the registry's is made by POSTGRES_DB).
CREATE DATABASE mechanicbuddy_shared OWNER mechanicbuddy;
