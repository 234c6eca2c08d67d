import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn } from "typeorm";
import { Comment } from "./Comment";

@Entity("posts")
export class Post {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  // auth-service user id: validated with auth_client.user_exists (the FK is still there, see 003)
  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ type: "text", nullable: true })
  caption!: string | null;

  @Column({ default: "public" })
  visibility!: "public" | "followers" | "close_friends" | "private";

  @Column({ name: "reposted_from_id", type: "uuid", nullable: true })
  repostedFromId!: string | null;

  @CreateDateColumn({ name: "created_at" })
  createdAt!: Date;

  @OneToMany(() => Comment, (comment) => comment.post)
  comments!: Comment[];
}

@Entity("post_media")
export class PostMedia {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "post_id", type: "uuid" })
  postId!: string;

  @Column({ name: "storage_key" })
  storageKey!: string;

  @Column({ type: "smallint", default: 0 })
  position!: number;
}

@Entity("post_shares")
export class PostShare {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "post_id", type: "uuid" })
  postId!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ name: "share_via" })
  shareVia!: "direct_message" | "story" | "feed" | "external";

  @Column({ name: "shared_with_user_id", type: "uuid", nullable: true })
  sharedWithUserId!: string | null;
}
