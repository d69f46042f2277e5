from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def copy_course_from_enrollment(apps: Any, schema_editor: Any) -> None:
    Certificate = apps.get_model("courses", "Certificate")
    Enrollment = apps.get_model("courses", "Enrollment")
    Certificate.objects.update(
        course_id=models.Subquery(
            Enrollment.objects.filter(pk=models.OuterRef("enrollment_id")).values("course_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0005_indexes_for_scale"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="course",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="courses.course",
            ),
        ),
        migrations.RunPython(copy_course_from_enrollment, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="course",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="courses.course",
            ),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(
                fields=["course", "-created_at", "-id"],
                include=["status"],
                name="certificate_course_newest",
            ),
        ),
    ]
