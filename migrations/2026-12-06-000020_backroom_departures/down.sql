DROP TABLE backroom_departures;
