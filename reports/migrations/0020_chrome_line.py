"""ChromeLine: the campaign's count of chrome-shaped edge lines (template-site frames,
reports.chrome). Empty at first: each analysis writes its school's rows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0019_text_compression_lz4'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChromeLine',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.BigIntegerField()),
                ('chrome', models.BooleanField(default=False)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.campaign')),
                ('organization', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reports.organization')),
            ],
            options={
                'verbose_name': '网页框架行',
                'verbose_name_plural': '网页框架行',
                'indexes': [models.Index(fields=['campaign', 'key'], name='chrome_line_key')],
                'constraints': [models.UniqueConstraint(fields=('campaign', 'organization', 'key'), name='chrome_line_once')],
            },
        ),
    ]
