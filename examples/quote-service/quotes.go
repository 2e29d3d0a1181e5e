package main

import "strconv"

// Quote is one saying, numbered from 1.
type Quote struct {
	ID     int    `json:"id"`
	Text   string `json:"text"`
	Source string `json:"source"`
}

// The sayings are the lab group's own.
var quotes = []Quote{
	{1, "Ship the binary, not the workshop.", "lab notes, week 2"},
	{2, "Every layer you add is a layer someone downloads.", "lab notes, week 2"},
	{3, "A cache that is never invalidated is a bug with good manners.", "lab notes, week 3"},
	{4, "If it needs a shell to start, it will get a shell to be broken into.", "lab notes, week 3"},
	{5, "Measure twice, push once.", "lab notes, week 4"},
	{6, "The smallest image is the one you understand completely.", "lab notes, week 4"},
	{7, "Root in a container is still root somewhere.", "lab notes, week 5"},
}

// quoteByID finds a quote by its decimal id.
func quoteByID(id string) (Quote, bool) {
	n, err := strconv.Atoi(id)
	if err != nil || n < 1 || n > len(quotes) {
		return Quote{}, false
	}
	return quotes[n-1], true
}
