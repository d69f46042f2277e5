"""The instructors' and staff's pages (/teach/): a web app with no models, over the domain."""
