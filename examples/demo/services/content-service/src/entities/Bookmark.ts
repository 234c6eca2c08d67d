import { Column, Entity, PrimaryGeneratedColumn } from "typeorm";

@Entity("bookmarks")
export class Bookmark {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column({ name: "post_id", type: "uuid" })
  postId!: string;

  // NULL = the "All posts" pseudo-collection
  @Column({ name: "collection_id", type: "uuid", nullable: true })
  collectionId!: string | null;
}

@Entity("bookmark_collections")
export class BookmarkCollection {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Column({ name: "user_id", type: "uuid" })
  userId!: string;

  @Column()
  name!: string;

  @Column({ name: "is_private", default: true })
  isPrivate!: boolean;
}
