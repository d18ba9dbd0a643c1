"""`make bench`: every step at three scales, against a naive baseline in the same run."""
