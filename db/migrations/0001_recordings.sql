CREATE TYPE "public"."dataset_kind" AS ENUM('raw', 'epochs');--> statement-breakpoint
CREATE TYPE "public"."dataset_status" AS ENUM('ingesting', 'ready', 'failed');--> statement-breakpoint
CREATE TABLE "events" (
	"dataset_id" text NOT NULL,
	"index" integer NOT NULL,
	"onset" real NOT NULL,
	"duration" real DEFAULT 0 NOT NULL,
	"description" text NOT NULL,
	CONSTRAINT "events_dataset_id_index_pk" PRIMARY KEY("dataset_id","index")
);
--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "sfreq" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "tmin" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "n_epochs" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "n_channels" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "n_times" SET DEFAULT 0;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "kind" "dataset_kind" DEFAULT 'epochs' NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "status" "dataset_status" DEFAULT 'ready' NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "error" text;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "format" text;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "files" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "layout" jsonb;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "coord_frame" text;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "meas_date" timestamp;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "location" text;--> statement-breakpoint
ALTER TABLE "channels" ADD COLUMN "group" text;--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_onset" ON "events" USING btree ("dataset_id","onset");