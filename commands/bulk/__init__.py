"""`/wallet bulk`: many saves from pasted rows or a CSV file, with a progress message and a report."""
