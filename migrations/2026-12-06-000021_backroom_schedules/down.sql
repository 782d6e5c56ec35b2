DROP TABLE backroom_schedules;
