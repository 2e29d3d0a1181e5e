package main

import "testing"

func TestQuoteByID(t *testing.T) {
	for i, q := range quotes {
		if q.ID != i+1 {
			t.Errorf("quotes[%d] has id %d, want %d: ids must count from 1 in order", i, q.ID, i+1)
		}
		if q.Text == "" || q.Source == "" {
			t.Errorf("quote %d lacks its text or source", q.ID)
		}
	}
	tests := []struct {
		id     string
		wantID int
		found  bool
	}{
		{"1", 1, true},
		{"7", 7, true},
		{"0", 0, false},
		{"8", 0, false},
		{"-3", 0, false},
		{"", 0, false},
		{"1.5", 0, false},
	}
	for _, tt := range tests {
		q, found := quoteByID(tt.id)
		if found != tt.found || q.ID != tt.wantID {
			t.Errorf("quoteByID(%q) = %d, %v; want %d, %v", tt.id, q.ID, found, tt.wantID, tt.found)
		}
	}
}
