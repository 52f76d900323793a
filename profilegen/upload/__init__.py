"""Uploads to Jamf Pro and Microsoft Intune. Imported only by the upload commands (it pulls in httpx)."""
