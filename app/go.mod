module devops-info-service

go 1.25
