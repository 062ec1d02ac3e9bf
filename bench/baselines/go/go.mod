module greeting

go 1.19
