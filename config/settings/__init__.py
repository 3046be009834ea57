"""Settings: ``base`` is shared, ``development`` the default, ``production`` strict."""
