"""What Slack knows about people, behind the use cases' ports: user-group members, email
addresses and time zones."""
