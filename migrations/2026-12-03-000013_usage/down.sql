DROP TABLE user_limits;
DROP TABLE usage_days;
ALTER TABLE provider_models DROP COLUMN output_price;
ALTER TABLE provider_models DROP COLUMN input_price;
