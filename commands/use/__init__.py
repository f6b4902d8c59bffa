"""`/wallet use`: the command and its preview, the modal and its card picker, the Confirm button, their views."""
