// Package store holds the queue and the matches. Profile fields are a
// denormalised copy refreshed from `user.profile.updated` events; user ids
// are user-service ids, stored without a foreign key.
package store

import (
	"context"
	"database/sql"
	"net/http"
	"time"
)

type Store struct {
	db *sql.DB
}

func New(db *sql.DB) *Store { return &Store{db: db} }

func (s *Store) Routes() http.Handler { return http.NewServeMux() }

type Entry struct {
	ID, UserID, Gender  string
	Age                 int
	Latitude, Longitude float64
	Interests           []string
}

const enqueue = `
INSERT INTO queue_entries (id, user_id, age, gender, latitude, longitude, interests)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (user_id) DO UPDATE
   SET age = EXCLUDED.age, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude,
       interests = EXCLUDED.interests, enqueued_at = NOW()`

func (s *Store) Enqueue(ctx context.Context, e Entry) error {
	_, err := s.db.ExecContext(ctx, enqueue, e.ID, e.UserID, e.Age, e.Gender, e.Latitude, e.Longitude, e.Interests)
	return err
}

func (s *Store) Leave(ctx context.Context, userID string) error {
	_, err := s.db.ExecContext(ctx, "DELETE FROM queue_entries WHERE user_id = $1", userID)
	return err
}

// Candidates near an entry sharing at least one interest, best priority first.
func (s *Store) Candidates(ctx context.Context, e Entry, limit int) (*sql.Rows, error) {
	return s.db.QueryContext(ctx, `
		SELECT id, user_id, age, gender
		  FROM queue_entries
		 WHERE user_id <> $1
		   AND interests && $2
		   AND abs(latitude - $3) < 0.5 AND abs(longitude - $4) < 0.5
		 ORDER BY priority DESC, enqueued_at
		 LIMIT $5`, e.UserID, e.Interests, e.Latitude, e.Longitude, limit)
}

func (s *Store) Propose(ctx context.Context, id, user1, user2 string, score float32) error {
	_, err := s.db.ExecContext(ctx,
		"INSERT INTO matches (id, user1_id, user2_id, score) VALUES ($1, $2, $3, $4)",
		id, user1, user2, score)
	return err
}

func (s *Store) Feedback(ctx context.Context, matchID, userID string, rating int, comment string) error {
	_, err := s.db.ExecContext(ctx,
		"INSERT INTO match_feedback (match_id, user_id, rating, comment) VALUES ($1, $2, $3, $4)",
		matchID, userID, rating, comment)
	return err
}

func (s *Store) MatchLoop() {
	for range time.Tick(5 * time.Second) {
		_, _ = s.db.Exec("UPDATE matches SET status = 'EXPIRED' WHERE status = 'PROPOSED' AND created_at < NOW() - INTERVAL '1 day'")
	}
}
