"""`/wallet remove`: the command and its preview, the Confirm button, their views."""
