DROP TABLE backroom_guards;
