DROP TABLE reply_holds;
DROP TABLE login_failures;
DROP TABLE run_leases;
DROP TABLE reply_owners;
DROP TABLE replicas;
