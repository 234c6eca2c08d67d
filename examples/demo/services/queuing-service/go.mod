module github.com/kindred/queuing-service

go 1.22

require (
	github.com/jackc/pgx/v5 v5.5.5
	github.com/rabbitmq/amqp091-go v1.9.0
)
