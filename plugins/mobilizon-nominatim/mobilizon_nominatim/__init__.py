"""Address search for mobilizon-py through Nominatim, OpenStreetMap's geocoder.

Street-level answers in the viewer's language, kept in the database for a month and asked
for at most once a second, as the public service's usage policy requires.
"""

__version__ = "0.1.0"
