"""GitLab: the fix job's adapter and its REST calls through python-gitlab, one module per API object."""
