"""What the sub-commands share: Block Kit pieces and the access refusal."""
