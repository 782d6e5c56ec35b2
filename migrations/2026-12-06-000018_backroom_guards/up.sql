-- A run's guards. `loop_overlap`: the share (percent) of a new turn's word
-- trigrams that one of the last few turns already had, at which the run
-- pauses as looping (NULL: loop detection off). `seat_token_cap`: the
-- tokens each seat may use. `cost_cap_nanos`: what the run may cost, in
-- billionths of a dollar, and `cost_nanos` what it has cost so far. A
-- backroom without a row has the defaults: loops detected at 80 %, no caps.
CREATE TABLE backroom_guards (
    backroom_id BIGINT PRIMARY KEY NOT NULL REFERENCES backrooms(id) ON DELETE CASCADE,
    loop_overlap INTEGER,
    seat_token_cap BIGINT,
    cost_cap_nanos BIGINT,
    cost_nanos BIGINT NOT NULL DEFAULT 0
);
