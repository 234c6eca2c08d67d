import { Column, Entity, ManyToOne, JoinColumn, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { Post } from "./Post";

@Entity("comments")
export class Comment {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @ManyToOne(() => Post, (post) => post.comments, { onDelete: "CASCADE" })
  @JoinColumn({ name: "post_id" })
  post!: Post;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ name: "parent_id", type: "uuid", nullable: true })
  parentId!: string | null;

  @Column("text")
  body!: string;
}

@Entity("comment_mentions")
export class CommentMention {
  @PrimaryColumn({ name: "comment_id", type: "uuid" })
  commentId!: string;

  @PrimaryColumn({ name: "mentioned_user_id", type: "uuid" })
  mentionedUserId!: string;
}

@Entity("likes")
export class Like {
  @PrimaryColumn({ name: "user_id", type: "uuid" })
  userId!: string;

  @PrimaryColumn({ name: "post_id", type: "uuid" })
  postId!: string;
}
