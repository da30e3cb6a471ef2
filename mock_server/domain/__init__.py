"""The Nmbrs domain: plain Python, no Spyne and no XML."""
