"""`make bench` and `make audit`: build speed, page weight and Lighthouse scores."""
