"""Opening the modal form (from `/assign`, a shortcut, a reassignment) and reading what was
uploaded into it."""
