ALTER TABLE "analysis_contacts" ADD COLUMN "responsiveness_p" jsonb;--> statement-breakpoint
ALTER TABLE "analysis_contacts" ADD COLUMN "n_significant" integer;--> statement-breakpoint
ALTER TABLE "analysis_contacts" ADD COLUMN "responsive" boolean;