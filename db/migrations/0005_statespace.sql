CREATE TYPE "public"."statespace_session_status" AS ENUM('open', 'closed');--> statement-breakpoint
CREATE TYPE "public"."statespace_source" AS ENUM('replay', 'device');--> statement-breakpoint
CREATE TABLE "statespace_analyses" (
	"id" text PRIMARY KEY NOT NULL,
	"lab_id" text NOT NULL,
	"dataset_id" text NOT NULL,
	"name" text NOT NULL,
	"params" jsonb NOT NULL,
	"status" "analysis_status" DEFAULT 'running' NOT NULL,
	"job_id" text,
	"metrics" jsonb,
	"blobs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "statespace_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"lab_id" text NOT NULL,
	"name" text NOT NULL,
	"source" "statespace_source" NOT NULL,
	"dataset_id" text,
	"token_hash" text,
	"status" "statespace_session_status" DEFAULT 'open' NOT NULL,
	"sfreq" real,
	"ch_names" jsonb,
	"window_s" real DEFAULT 1 NOT NULL,
	"hop_s" real DEFAULT 0.1 NOT NULL,
	"actions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"map_key" text,
	"map_version" integer DEFAULT 0 NOT NULL,
	"calibration" jsonb,
	"report" jsonb,
	"created_by" text,
	"created_at" timestamp DEFAULT now() NOT NULL,
	"updated_at" timestamp DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "statespace_analyses" ADD CONSTRAINT "statespace_analyses_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statespace_analyses" ADD CONSTRAINT "statespace_analyses_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statespace_analyses" ADD CONSTRAINT "statespace_analyses_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statespace_sessions" ADD CONSTRAINT "statespace_sessions_lab_id_labs_id_fk" FOREIGN KEY ("lab_id") REFERENCES "public"."labs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statespace_sessions" ADD CONSTRAINT "statespace_sessions_dataset_id_datasets_id_fk" FOREIGN KEY ("dataset_id") REFERENCES "public"."datasets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "statespace_sessions" ADD CONSTRAINT "statespace_sessions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "statespace_analyses_lab" ON "statespace_analyses" USING btree ("lab_id");--> statement-breakpoint
CREATE INDEX "statespace_sessions_lab" ON "statespace_sessions" USING btree ("lab_id");