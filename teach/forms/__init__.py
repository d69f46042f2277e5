"""The teaching area's forms, one module per page group."""
