DROP TABLE backroom_whispers;
