"""The template's labels for groups of accounts (DESIGN §4), without the engine: fill/ reads
them to word its answers, firmographics computes the groups."""

NOT_GIVEN = "Non renseigné"
OTHERS = "Autres"
SIZE_BANDS = ("TPE", "PME", "ETI", "Grand compte")
B2C_BAND = "Particuliers"
