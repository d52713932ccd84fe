ALTER TABLE "channels" ADD COLUMN "aal" text;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "atlas_distance_mm" real;