"""`/wallet save`: the command, the modal and its shortcut, the Confirm buttons, their views."""
