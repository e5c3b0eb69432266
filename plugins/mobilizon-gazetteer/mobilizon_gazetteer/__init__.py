"""An offline geocoder for mobilizon-py: a few hundred world cities shipped with the package.

It answers without any network, so a fresh instance can place events on a map at city level
from the first minute, and it stays the fallback when a network geocoder is not chosen.
"""

__version__ = "0.1.0"
