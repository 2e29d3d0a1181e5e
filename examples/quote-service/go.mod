module quote-service

go 1.25
