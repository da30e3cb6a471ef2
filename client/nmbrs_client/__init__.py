"""The nmbrs-mock reference client: zeep clients for the Nmbrs SOAP API v3, mock or real."""

from nmbrs_client.client import NmbrsClient, NmbrsCredentials, NmbrsFault

__all__ = ["NmbrsClient", "NmbrsCredentials", "NmbrsFault"]
