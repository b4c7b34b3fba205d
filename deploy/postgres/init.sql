-- One database per service; each service's migrations create its tables.
CREATE DATABASE intake;
CREATE DATABASE sustainment;
CREATE DATABASE lettings;
CREATE DATABASE notifications;
