// queuing-service: the matchmaking queue (queuing_db, port 3002).
package main

import (
	"database/sql"
	"log"
	"net/http"
	"os"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/kindred/queuing-service/internal/store"
)

func main() {
	db, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
	if err != nil {
		log.Fatal(err)
	}
	s := store.New(db)
	go s.MatchLoop()
	log.Fatal(http.ListenAndServe(":3002", s.Routes()))
}
