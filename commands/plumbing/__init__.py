"""What the sub-commands share: Block Kit pieces (blocks), the access refusal (refusal), modals (modal),
Confirm buttons (confirm), the `<order> [<what> [reason]]` commands (order_command), and running a
core operation so that every user gets a final word (outcome)."""
