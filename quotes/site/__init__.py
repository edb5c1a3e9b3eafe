"""The public journalists' site: server-rendered pages over the API's read layer."""
