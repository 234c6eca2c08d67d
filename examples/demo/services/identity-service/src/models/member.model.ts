import mongoose, { Document, Schema } from 'mongoose';

// A member of the dating platform. There is no SQL here: members are MongoDB
// documents, and other services know them only by their ObjectId string.
export interface IMember extends Document {
  phone: string;
  displayName: string;
  passwordHash?: string;
  status: 'active' | 'suspended' | 'deleted';
  lastLoginAt?: Date;
}

const memberSchema = new Schema<IMember>(
  {
    phone: { type: String, required: true, unique: true },
    displayName: { type: String, required: true },
    passwordHash: { type: String },
    status: { type: String, enum: ['active', 'suspended', 'deleted'], default: 'active' },
    lastLoginAt: { type: Date },
  },
  { timestamps: true },
);

export const Member = mongoose.model<IMember>('Member', memberSchema);
