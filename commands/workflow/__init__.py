"""Workflow Builder: the custom step "Save card to wallet" (a `function_executed` event)."""
