"""The Slack side of the shell: app factory, the answer-then-work seam, access, audit, response_urls."""
