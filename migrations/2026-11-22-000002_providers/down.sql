DROP TABLE provider_models;
DROP TABLE providers;
