"""The SOAP face: ASMX wire behaviour around Spyne, from request bytes to response bytes."""
