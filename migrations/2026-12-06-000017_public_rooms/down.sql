DROP TABLE backroom_publications;
